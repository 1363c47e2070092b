import type { OrderDto } from '../../orders/dto/order.dto.js';
import type { EmailMilestone } from './email-milestones.js';

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

interface MilestoneCopy {
  subject: (orderNumber: string) => string;
  headline: string;
  body: string;
}

const COPY: Record<EmailMilestone, MilestoneCopy> = {
  shipped: {
    subject: (n) => `Your order ${n} has shipped`,
    headline: 'Your order is on its way',
    body: 'We have handed your parcel to the courier.',
  },
  out_for_delivery: {
    subject: (n) => `Your order ${n} is out for delivery`,
    headline: 'Arriving today',
    body: 'The courier is out delivering your parcel. Please keep your phone nearby.',
  },
  delivery_failed: {
    subject: (n) => `We could not deliver your order ${n}`,
    headline: 'Delivery attempt unsuccessful',
    body: 'The courier could not deliver your parcel and will try again.',
  },
  delivered: {
    subject: (n) => `Your order ${n} has been delivered`,
    headline: 'Delivered',
    body: 'Your parcel has been delivered. We hope you love it.',
  },
  returned_to_origin: {
    subject: (n) => `Your order ${n} is being returned to us`,
    headline: 'Returned to the store',
    body: 'The courier returned your parcel to us. Our team will contact you about what happens next.',
  },
  cancelled: {
    subject: (n) => `Your order ${n} has been cancelled`,
    headline: 'Order cancelled',
    body: 'Your order has been cancelled. Any payment will be refunded to the original method.',
  },
};

const STATUS_LABEL: Record<string, string> = {
  pending: 'Pending',
  processing: 'Processing',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  returned: 'Returned',
};

const rupees = (paise: number) =>
  `₹${(paise / 100).toLocaleString('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;

/** A delivery date as Indian customers read it (IST calendar day). */
const istDate = (date: Date | string) =>
  new Date(date).toLocaleDateString('en-IN', {
    timeZone: 'Asia/Kolkata',
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    year: 'numeric',
  });

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The customer email for one milestone of one order, in English, as plain text and HTML. */
export function renderMilestoneEmail(
  milestone: EmailMilestone,
  order: OrderDto,
  customerName: string,
): RenderedEmail {
  const copy = COPY[milestone];
  const tracking = order.trackingInfo;
  const status = STATUS_LABEL[order.orderStatus] ?? order.orderStatus;
  const eta = tracking.estimatedDelivery ? istDate(tracking.estimatedDelivery) : null;
  const link = tracking.trackingUrl;
  const items = order.items.map((i) => ({
    line: `${i.name} × ${i.quantity}`,
    total: rupees(i.lineTotalPaise),
  }));

  const text = [
    `Hello ${customerName},`,
    '',
    `${copy.headline}. ${copy.body}`,
    '',
    `Order number: ${order.orderNumber}`,
    `Status: ${status}`,
    ...(eta ? [`Estimated delivery: ${eta}`] : []),
    ...(tracking.docketNumber
      ? [`Courier: ${tracking.courierService ?? 'Sequel247'}, docket ${tracking.docketNumber}`]
      : []),
    '',
    'Items:',
    ...items.map((i) => `  - ${i.line}  ${i.total}`),
    `Total: ${rupees(order.totalPaise)}`,
    '',
    ...(link ? [`Track your parcel: ${link}`, ''] : []),
    'Thank you for shopping with us.',
  ].join('\n');

  const row = (label: string, value: string) =>
    `<tr><td style="padding:4px 12px 4px 0;color:#555">${escapeHtml(label)}</td>` +
    `<td style="padding:4px 0"><strong>${escapeHtml(value)}</strong></td></tr>`;
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>${escapeHtml(copy.subject(order.orderNumber))}</title></head>
<body style="font-family:Arial,Helvetica,sans-serif;color:#222;max-width:560px;margin:0 auto;padding:16px">
<h1 style="font-size:22px">${escapeHtml(copy.headline)}</h1>
<p>Hello ${escapeHtml(customerName)},</p>
<p>${escapeHtml(copy.body)}</p>
<table role="presentation" style="border-collapse:collapse">
${row('Order number', order.orderNumber)}
${row('Status', status)}
${eta ? row('Estimated delivery', eta) : ''}
${tracking.docketNumber ? row('Courier docket', `${tracking.courierService ?? 'Sequel247'} ${tracking.docketNumber}`) : ''}
</table>
<h2 style="font-size:16px">Items</h2>
<ul>${items.map((i) => `<li>${escapeHtml(i.line)} — ${escapeHtml(i.total)}</li>`).join('')}</ul>
<p>Total: <strong>${escapeHtml(rupees(order.totalPaise))}</strong></p>
${link ? `<p><a href="${escapeHtml(link)}" style="display:inline-block;background:#7a3e00;color:#fff;padding:10px 16px;border-radius:6px;text-decoration:none">Track your parcel</a></p>` : ''}
<p style="color:#777;font-size:12px">You receive this email because you placed an order with us. You can turn order emails off in your account settings.</p>
</body></html>`;

  return { subject: copy.subject(order.orderNumber), text, html };
}
