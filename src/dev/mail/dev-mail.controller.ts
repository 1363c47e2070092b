import { Controller, Delete, Get, HttpCode, Param, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Response } from 'express';
import { Public } from '../../auth/decorators/public.decorator.js';
import { DomainError } from '../../common/errors/domain-error.js';
import type { DevMail } from './dev-mail-sink.js';
import { devMailSink } from './dev-mail.registry.js';

class DevMailNotFoundError extends DomainError {
  readonly kind = 'not_found';
  readonly code = 'DEV_MAIL_NOT_FOUND';
}

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/**
 * What the development SMTP sink received: `GET /api/dev/mail` (JSON, newest first) and
 * `GET /api/dev/mail/:id` (the message as a person sees it). Loaded only by the embedded demo
 * (main.ts's dev rig), open without a login like the rest of the demo's development tools.
 */
@ApiExcludeController()
@Public()
@Controller('dev/mail')
export class DevMailController {
  @Get()
  list(): DevMail[] {
    return devMailSink()?.messages() ?? [];
  }

  @Get(':id')
  show(@Param('id') id: string, @Res() res: Response): void {
    const mail = devMailSink()
      ?.messages()
      .find((m) => m.id === id);
    if (!mail) throw new DevMailNotFoundError(`No dev mail with id ${id}`);
    const body = mail.html ?? `<pre style="white-space:pre-wrap">${escape(mail.text)}</pre>`;
    res
      .status(200)
      .type('html')
      .send(
        `<!doctype html><meta charset="utf-8"><title>${escape(mail.subject)}</title>` +
          `<p><b>To:</b> ${escape(mail.to.join(', '))}<br><b>Subject:</b> ${escape(mail.subject)}` +
          `<br><b>Received:</b> ${mail.receivedAt.toISOString()}</p><hr>${body}`,
      );
  }

  @Delete()
  @HttpCode(204)
  clear(): void {
    devMailSink()?.clear();
  }
}
