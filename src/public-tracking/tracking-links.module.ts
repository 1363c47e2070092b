import { Module } from '@nestjs/common';
import { TrackingLinkSigner } from './tracking-link.signer.js';

/**
 * Signing tracking links, on its own so Orders can put a link in `trackingInfo.trackingUrl`
 * without depending on the public tracking routes (which depend on Orders).
 */
@Module({
  providers: [TrackingLinkSigner],
  exports: [TrackingLinkSigner],
})
export class TrackingLinksModule {}
