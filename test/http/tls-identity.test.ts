// The IPv6 IP-SAN match regprobe adds on runtimes whose tls.checkServerIdentity lost it (nodejs/node#64144).
// Certificates here are the shape tls.TLSSocket#getPeerCertificate() gives: subjectaltname as Node formats it.
import {strict as assert} from 'node:assert'
import type {PeerCertificate} from 'node:tls'
import {describe, it} from 'node:test'
import {checkServerIdentity, needsIpv6IdentityShim, runtimeMissesIpv6Sans} from '../../src/http/tls-identity.js'

const cert = (subjectaltname: string, CN = 'regprobe sandbox') => ({subject: {CN}, subjectaltname}) as unknown as PeerCertificate

describe('checkServerIdentity with IPv6 hosts', () => {
  it('matches an IPv6 host against an IP SAN, in any spelling of the address', () => {
    assert.equal(checkServerIdentity('::1', cert('DNS:localhost, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1')), undefined)
    assert.equal(checkServerIdentity('fd00:0:0::5', cert('IP Address:FD00:0:0:0:0:0:0:5')), undefined)
  })

  it('still rejects an IPv6 host the certificate does not name', () => {
    const err = checkServerIdentity('::2', cert('IP Address:0:0:0:0:0:0:0:1'))
    assert.ok(err instanceof Error)
    assert.equal((err as Error & {code?: string}).code, 'ERR_TLS_CERT_ALTNAME_INVALID')
  })

  it('does not take a DNS name or the CN for an IP SAN', () => {
    assert.ok(checkServerIdentity('::1', cert('DNS:0:0:0:0:0:0:0:1')) instanceof Error)
    assert.ok(checkServerIdentity('::1', cert('', '::1')) instanceof Error)
  })

  it('leaves names and IPv4 to Node', () => {
    assert.equal(checkServerIdentity('localhost', cert('DNS:localhost')), undefined)
    assert.ok(checkServerIdentity('other.example', cert('DNS:localhost')) instanceof Error)
    assert.ok(checkServerIdentity('127.0.0.2', cert('IP Address:127.0.0.1')) instanceof Error)
  })

  it('is needed only for https to an IPv6 literal, and only where the runtime has the regression', () => {
    assert.equal(needsIpv6IdentityShim('http://[::1]:5000/v2/'), false)
    assert.equal(needsIpv6IdentityShim('https://127.0.0.1:5000/v2/'), false)
    assert.equal(needsIpv6IdentityShim('https://[::1]:5000/v2/'), runtimeMissesIpv6Sans())
  })
})
