import type { NextFunction, Request, Response } from 'express';
import type { MetricsService } from './metrics.service.js';

/**
 * Times every request and labels it with the route template (`/api/orders/:orderId`), never the
 * raw URL, so ids do not explode the label set. Unmatched requests share one label.
 */
export function httpMetricsMiddleware(metrics: MetricsService) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const end = metrics.httpDuration.startTimer();
    res.once('finish', () => {
      const template = (req.route as { path?: string } | undefined)?.path;
      end({
        method: req.method,
        route: template ? `${req.baseUrl}${template}` : 'unmatched',
        status: String(res.statusCode),
      });
    });
    next();
  };
}
