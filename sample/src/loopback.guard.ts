import { Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Lets only this machine upload, and only from the sample's own page. The upload endpoint spends
 * the company's WeCom quota: a real app puts its own authentication here.
 *
 * Loopback alone is not enough: any web page open in the developer's browser can POST a form to
 * localhost (a multipart POST needs no CORS preflight). Browsers say where a request comes from
 * (`Sec-Fetch-Site`, `Origin`): anything but this origin is refused. Tools such as curl send
 * neither, and pass.
 */
@Injectable()
export class LoopbackGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const req = context.switchToHttp().getRequest<Request>();
    if (!LOOPBACK.has(req.socket.remoteAddress ?? '')) return false;
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none') return false;
    const origin = req.headers.origin;
    return origin === undefined || origin === `${req.protocol}://${req.headers.host ?? ''}`;
  }
}
