import 'reflect-metadata';
import { installQueryLog } from './query-log.js';

installQueryLog();
