import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import type { RemoteEndpoint } from '../store-url.js';

/**
 * The endpoint and keep-alive agent ali-oss is given. ali-oss rewrites the Host header of an IP endpoint to
 * `<bucket>.oss-<region>.aliyuncs.com` (spec/real-clients.md §1.2), so an IP is reached through the name
 * `localhost` pinned to that IP by the agent's DNS lookup.
 */
export function aliOssEndpoint(ep: RemoteEndpoint): { agent: http.Agent; endpoint: string } {
  const ip = net.isIP(ep.host) === 0 ? undefined : ep.host;
  const base = {
    keepAlive: true,
    maxSockets: ep.maxSockets,
    ...(ip === undefined ? {} : { lookup: pinned(ip) }),
  };
  const agent = ep.secure ? new https.Agent(base) : new http.Agent(base);
  const endpoint =
    ip === undefined ? ep.url : ep.url.replace(ep.host.includes(':') ? `[${ep.host}]` : ep.host, 'localhost');
  return { agent, endpoint };
}

/** A DNS lookup that always answers `ip` (for the pinned `localhost` above). */
function pinned(ip: string): net.LookupFunction {
  const family = net.isIP(ip);
  return ((_host: string, options: { all?: boolean }, cb: (...args: unknown[]) => void) => {
    if (options?.all === true) cb(null, [{ address: ip, family }]);
    else cb(null, ip, family);
  }) as unknown as net.LookupFunction;
}
