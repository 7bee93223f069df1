/** A host or hostname without the brackets an IPv6 literal wears in URLs: '[::1]' → '::1'; others unchanged. */
export function unbracket(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1')
}

/**
 * The host[:port] of a URL for a message, without throwing: a recorded URL may no longer parse (the scrubber can
 * replace a secret inside its authority), and then the authority is taken as written.
 */
export function hostOfUrl(url: string): string {
  try {
    return new URL(url).host
  } catch {
    return /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(url)?.[1] ?? url
  }
}
