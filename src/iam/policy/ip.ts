import { isIPv4, isIPv6 } from 'node:net';

/** An address or network as a number, with its family; IPv4-mapped IPv6 (::ffff:a.b.c.d) counts as IPv4. */
export interface IpValue {
  readonly v6: boolean;
  readonly value: bigint;
}

export interface Cidr {
  readonly v6: boolean;
  readonly network: bigint;
  readonly mask: bigint;
}

function parseV4(text: string): bigint {
  return text.split('.').reduce((acc, part) => (acc << 8n) | BigInt(Number(part)), 0n);
}

function parseV6(text: string): bigint {
  let head = text;
  let tailV4: bigint | undefined;
  const lastColon = text.lastIndexOf(':');
  if (text.slice(lastColon + 1).includes('.')) {
    tailV4 = parseV4(text.slice(lastColon + 1));
    head = `${text.slice(0, lastColon + 1)}0:0`;
  }
  const [left = '', right] = head.split('::');
  const leftParts = left === '' ? [] : left.split(':');
  const rightParts = right === undefined || right === '' ? [] : right.split(':');
  const missing = 8 - leftParts.length - rightParts.length;
  const groups =
    right === undefined ? leftParts : [...leftParts, ...Array<string>(missing).fill('0'), ...rightParts];
  let value = groups.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
  if (tailV4 !== undefined) value = (value & ~0xffffffffn) | tailV4;
  return value;
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** Parses an IPv4 or IPv6 address (zone ids are ignored); undefined when it is not one. */
export function parseIp(text: string): IpValue | undefined {
  const address = text.split('%')[0] ?? '';
  if (isIPv4(address)) return { v6: false, value: parseV4(address) };
  if (!isIPv6(address)) return undefined;
  const value = parseV6(address);
  if (value >> 32n === 0xffffn && (value & ~0xffffffffn) === MAPPED_PREFIX) {
    return { v6: false, value: value & 0xffffffffn };
  }
  return { v6: true, value };
}

/** Parses `addr` or `addr/prefix` (IPv4 or IPv6); undefined when invalid. A bare address is /32 or /128. */
export function parseCidr(text: string): Cidr | undefined {
  const slash = text.indexOf('/');
  const ip = parseIp(slash === -1 ? text : text.slice(0, slash));
  if (!ip) return undefined;
  const bits = ip.v6 ? 128 : 32;
  const prefixText = slash === -1 ? String(bits) : text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  if (prefix > bits) return undefined;
  const all = (1n << BigInt(bits)) - 1n;
  const mask = all ^ ((1n << BigInt(bits - prefix)) - 1n);
  return { v6: ip.v6, network: ip.value & mask, mask };
}

export function cidrContains(cidr: Cidr, ip: IpValue): boolean {
  return cidr.v6 === ip.v6 && (ip.value & cidr.mask) === cidr.network;
}
