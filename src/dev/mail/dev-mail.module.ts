import { Module } from '@nestjs/common';
import { DevMailController } from './dev-mail.controller.js';

/** Development only: the routes to read the embedded SMTP sink's messages. */
@Module({ controllers: [DevMailController] })
export class DevMailModule {}
