// The browser's address, which the BFF forwards to the backend with login and sign-up so that the
// backend can throttle failed logins per client address (the backend believes it only with the
// service token, BACKEND_SERVICE_TOKEN). scripts/graceful.cjs puts the connection's peer address
// in x-taskora-peer; when that peer is a proxy on a private network (the ingress controller),
// the address it appended to X-Forwarded-For is the client's. Walking the chain from the right,
// private addresses are skipped as proxies; the first public one is the client (ingress-nginx
// replaces a client's own X-Forwarded-For by default, so a public client cannot choose its
// address). A client on the private network itself counts as its own address.
export const PEER_HEADER = "x-taskora-peer";

function v4(ip: string): number[] | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : null;
}

function normalise(raw: string): string | null {
  let ip = raw.trim();
  if (ip.startsWith("[")) ip = ip.slice(1, ip.indexOf("]") > 0 ? ip.indexOf("]") : undefined);
  else if (/^\d+\.\d+\.\d+\.\d+:\d+$/.test(ip)) ip = ip.slice(0, ip.lastIndexOf(":"));
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  if (mapped) ip = mapped[1];
  if (v4(ip)) return ip;
  return /^[0-9a-f:]+$/i.test(ip) && ip.includes(":") ? ip.toLowerCase() : null;
}

/** Loopback, RFC 1918, carrier-grade NAT, link-local, IPv6 unique-local and link-local. */
export function isPrivate(ip: string): boolean {
  const p = v4(ip);
  if (p) {
    const [a, b] = p;
    return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 100 && b >= 64 && b <= 127) || (a === 169 && b === 254);
  }
  return ip === "::1" || /^f[cd]/i.test(ip) || /^fe[89ab]/i.test(ip);
}

export function clientAddress(headers: Headers): string | null {
  const chain = (headers.get("x-forwarded-for") ?? "").split(",").map(normalise).filter((x): x is string => !!x);
  const peer = normalise(headers.get(PEER_HEADER) ?? "");
  if (peer) chain.push(peer);
  for (let i = chain.length - 1; i >= 0; i--) {
    if (i === 0 || !isPrivate(chain[i])) return chain[i];
  }
  return null;
}
