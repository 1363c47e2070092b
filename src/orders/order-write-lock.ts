import { Injectable } from '@nestjs/common';
import { KeyedMutex } from '../products/keyed-mutex.js';

/**
 * Every update of one order document, by any service of the Orders module, runs under this
 * per-order lock (FerretDB updates are not isolated; see KeyedMutex). One instance per app.
 */
@Injectable()
export class OrderWriteLock extends KeyedMutex {}
