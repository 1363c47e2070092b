import type { PublicParcelDto } from '../dto/public-parcel.dto.js';

const IST = 'Asia/Kolkata';

const SHIPMENT_LABELS: Record<string, string> = {
  ORDER_PLACED: 'Order placed',
  PROCESSING: 'Processing',
  PACKAGING: 'Being packed',
  ON_THE_ROAD: 'In transit',
  OUT_FOR_DELIVERY: 'Out for delivery',
  DELIVERY_FAILED: 'Delivery attempt failed',
  DELIVERED: 'Delivered',
  RETURNING_TO_ORIGIN: 'Returning to sender',
  RETURNED_TO_ORIGIN: 'Returned to sender',
  EXCEPTION: 'Delayed',
  CANCELLED: 'Cancelled',
};

const ORDER_LABELS: Record<string, string> = {
  pending: 'Order received',
  processing: 'Being prepared',
  shipped: 'Shipped',
  delivered: 'Delivered',
  cancelled: 'Cancelled',
  returned: 'Returned',
};

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function formatDate(value: Date | string, withTime: boolean): string {
  const date = new Date(value);
  return new Intl.DateTimeFormat('en-IN', {
    timeZone: IST,
    weekday: withTime ? undefined : 'long',
    day: 'numeric',
    month: 'short',
    ...(withTime ? { hour: 'numeric', minute: '2-digit' } : { year: 'numeric' }),
  }).format(date);
}

function headline(parcel: PublicParcelDto): string {
  const status = parcel.trackingInfo.status;
  return status
    ? (SHIPMENT_LABELS[status] ?? status)
    : (ORDER_LABELS[parcel.orderStatus] ?? parcel.orderStatus);
}

/** The part of the page that changes: re-rendered on the server for every live update. */
export function renderParcel(parcel: PublicParcelDto): string {
  const t = parcel.trackingInfo;
  const scans = [...t.trackingHistory].reverse();
  const eta = t.estimatedDelivery
    ? `<div><dt>Estimated delivery</dt><dd><time datetime="${new Date(t.estimatedDelivery).toISOString()}">${escapeHtml(formatDate(t.estimatedDelivery, false))}</time></dd></div>`
    : '';
  const docket = t.docketNumber
    ? `<div><dt>${escapeHtml(t.courierService ?? 'Courier')} docket</dt><dd class="mono">${escapeHtml(t.docketNumber)}</dd></div>`
    : '';
  const timeline = scans.length
    ? `<ol class="timeline">${scans
        .map(
          (scan, i) =>
            `<li${i === 0 ? ' class="latest" aria-current="step"' : ''}><p class="what">${escapeHtml(
              scan.status ? (SHIPMENT_LABELS[scan.status] ?? scan.description) : scan.description,
            )}</p><p class="detail">${escapeHtml(scan.description)}${
              scan.location ? ` · ${escapeHtml(scan.location)}` : ''
            }</p><p class="when"><time datetime="${new Date(scan.occurredAt).toISOString()}">${escapeHtml(
              formatDate(scan.occurredAt, true),
            )}</time></p></li>`,
        )
        .join('')}</ol>`
    : `<p class="empty">No courier scans yet. This page updates by itself when the parcel moves.</p>`;
  return `<section aria-labelledby="status-heading" class="card">
<p class="label">Order <span class="mono">${escapeHtml(parcel.orderNumber)}</span></p>
<h1 id="status-heading" data-status="${escapeHtml(t.status ?? parcel.orderStatus)}">${escapeHtml(headline(parcel))}</h1>
<dl>${eta}${docket}</dl>
${parcel.items.length ? `<p class="items">${parcel.items.map((i) => escapeHtml(i.name)).join(', ')}</p>` : ''}
</section>
<section aria-labelledby="history-heading" class="card">
<h2 id="history-heading">Journey</h2>
${timeline}
</section>`;
}

const STYLE = `
:root{color-scheme:light dark;--bg:#f6f4ef;--card:#fff;--ink:#1d1b16;--muted:#5c574c;--accent:#7a4f00;--line:#d9d3c5}
@media (prefers-color-scheme:dark){:root{--bg:#16140f;--card:#221f18;--ink:#f3efe6;--muted:#bdb5a3;--accent:#f0c060;--line:#3b372d}}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--ink)}
header,main,footer{max-width:36rem;margin:0 auto;padding:0 1rem}
header{padding-top:1rem;font-weight:600;color:var(--accent)}
.card{background:var(--card);border:1px solid var(--line);border-radius:12px;padding:1rem 1.25rem;margin:1rem 0}
h1{font-size:1.75rem;line-height:1.2;margin:.25rem 0 .75rem}
h2{font-size:1.125rem;margin:0 0 .5rem}
.label,.items,.detail,.when,.empty,footer{color:var(--muted)}
.label,.items{margin:0}
.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;letter-spacing:.02em}
dl{display:grid;grid-template-columns:1fr 1fr;gap:.5rem 1rem;margin:0 0 .75rem}
dt{font-size:.8125rem;color:var(--muted)}dd{margin:0;font-weight:600}
.timeline{list-style:none;margin:0;padding:0}
.timeline li{position:relative;padding:0 0 1rem 1.5rem;border-left:2px solid var(--line);margin-left:.375rem}
.timeline li:last-child{border-left-color:transparent}
.timeline li::before{content:"";position:absolute;left:-.4375rem;top:.3rem;width:.75rem;height:.75rem;border-radius:50%;background:var(--line)}
.timeline li.latest::before{background:var(--accent)}
.timeline p{margin:0}.what{font-weight:600}
.detail,.when{font-size:.875rem}
.live{font-size:.8125rem}
a{color:var(--accent)}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
@media (prefers-reduced-motion:no-preference){.timeline li.latest::before{animation:pulse 2s ease-in-out 3}}
@keyframes pulse{50%{transform:scale(1.3)}}
`;

function layout(title: string, body: string, nonce: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<style nonce="${nonce}">${STYLE}</style>
</head>
<body>
<header>Parcel tracking</header>
${body}
</body>
</html>`;
}

/** The tracking page: the parcel, then a small script that keeps it live over SSE. */
export function renderTrackingPage(
  parcel: PublicParcelDto,
  eventsPath: string,
  nonce: string,
): string {
  const script = `
(function(){
  var main=document.getElementById('parcel'),live=document.getElementById('live');
  if(!('EventSource' in window))return;
  var es=new EventSource(${JSON.stringify(eventsPath)}),last=null;
  es.addEventListener('page',function(e){
    var d=JSON.parse(e.data);
    if(d.html===last)return;
    var first=last===null;last=d.html;main.innerHTML=d.html;
    if(!first)live.textContent='Updated '+new Date().toLocaleTimeString('en-IN',{hour:'numeric',minute:'2-digit'})+': '+d.headline;
  });
  es.onerror=function(){live.textContent='Reconnecting…';};
  es.onopen=function(){if(live.textContent==='Reconnecting…')live.textContent='Live';};
})();`;
  return layout(
    `${parcel.orderNumber} — ${headline(parcel)}`,
    `<main id="parcel">${renderParcel(parcel)}</main>
<footer><p id="live" class="live" role="status" aria-live="polite">Live: this page updates by itself.</p></footer>
<script nonce="${nonce}">${script}</script>`,
    nonce,
  );
}

/** A friendly page for a link that cannot be shown (expired, forged, unknown order). */
export function renderLinkProblemPage(kind: 'expired' | 'invalid', nonce: string): string {
  const [title, text] =
    kind === 'expired'
      ? [
          'This tracking link has expired',
          'Tracking links work for 90 days. To see your parcel, use the newest link from your order emails, or look it up with your order number and email on the store’s website.',
        ]
      : [
          'We could not find this parcel',
          'This link is incomplete or not valid. Please open it again from your order email, or copy the whole link into your browser.',
        ];
  return layout(
    title,
    `<main><section class="card" aria-labelledby="problem"><h1 id="problem">${escapeHtml(title)}</h1><p>${escapeHtml(text)}</p></section></main>`,
    nonce,
  );
}

/** The SSE data of a page update: the re-rendered fragment and the headline for screen readers. */
export function pageUpdate(parcel: PublicParcelDto): string {
  return JSON.stringify({ html: renderParcel(parcel), headline: headline(parcel) });
}
