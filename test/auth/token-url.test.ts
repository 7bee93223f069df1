import {describe, it} from 'node:test'
import assert from 'node:assert/strict'
import {RegprobeError} from '../../src/errors.js'
import {tokenRequestUrl} from '../../src/auth/token-url.js'

describe('tokenRequestUrl', () => {
  const cases: Array<{name: string; realm: string; params: Parameters<typeof tokenRequestUrl>[1]; want: string}> = [
    {
      name: 'anonymous pull on Docker Hub (as in the captured exchange)',
      realm: 'https://auth.docker.io/token',
      params: {service: 'registry.docker.io', scopes: ['repository:library/alpine:pull']},
      want: 'https://auth.docker.io/token?scope=repository%3Alibrary%2Falpine%3Apull&service=registry.docker.io',
    },
    {
      name: 'docker login: no scope, keys in Go sorted order',
      realm: 'https://auth.docker.io/token',
      params: {service: 'registry.docker.io', scopes: [], account: 'alice', clientId: 'docker', offlineToken: true},
      want: 'https://auth.docker.io/token?account=alice&client_id=docker&offline_token=true&service=registry.docker.io',
    },
    {
      name: 'registry:2 push with account (as in the captured exchange)',
      realm: 'https://auth.local/token',
      params: {service: 'registry.local:5000', scopes: ['repository:alice/app:pull,push'], account: 'alice'},
      want: 'https://auth.local/token?account=alice&scope=repository%3Aalice%2Fapp%3Apull%2Cpush&service=registry.local%3A5000',
    },
    {
      name: 'catalog scope escapes "*"',
      realm: 'https://auth.local/token',
      params: {service: 'registry.local:5000', scopes: ['registry:catalog:*']},
      want: 'https://auth.local/token?scope=registry%3Acatalog%3A%2A&service=registry.local%3A5000',
    },
    {
      name: 'several scopes become repeated scope= parameters, in order',
      realm: 'https://auth.local/token',
      params: {scopes: ['repository:dst:pull,push', 'repository:src:pull']},
      want: 'https://auth.local/token?scope=repository%3Adst%3Apull%2Cpush&scope=repository%3Asrc%3Apull',
    },
    {
      name: 'the realm query is kept and sorted in with ours',
      realm: 'https://x.example/token?z=1&a=b%20c',
      params: {service: 's', scopes: ['repository:r:pull']},
      want: 'https://x.example/token?a=b+c&scope=repository%3Ar%3Apull&service=s&z=1',
    },
    {
      name: 'the realm fragment is dropped',
      realm: 'https://x.example/token#frag',
      params: {service: 's', scopes: []},
      want: 'https://x.example/token?service=s',
    },
    {
      name: 'AR realm-only challenge: no service parameter at all',
      realm: 'https://us-docker.pkg.dev/v2/token',
      params: {scopes: ['repository:p/r/i:pull']},
      want: 'https://us-docker.pkg.dev/v2/token?scope=repository%3Ap%2Fr%2Fi%3Apull',
    },
    {
      name: 'nothing to add leaves the realm as is',
      realm: 'https://x.example/token',
      params: {scopes: []},
      want: 'https://x.example/token',
    },
    {
      name: 'an account with spaces and unicode is escaped like url.QueryEscape',
      realm: 'https://x.example/token',
      params: {scopes: [], account: "zoë o'neil"},
      want: 'https://x.example/token?account=zo%C3%AB+o%27neil',
    },
  ]
  for (const c of cases) it(c.name, () => assert.equal(tokenRequestUrl(c.realm, c.params), c.want))

  const bad: Array<[string, string]> = [
    ['a relative realm', '/token'],
    ['a realm with another scheme', 'ftp://x/token'],
    ['an empty realm', ''],
    ['a realm with spaces', 'https://x/to ken'],
  ]
  for (const [name, realm] of bad) {
    it(`refuses ${name} as a protocol error`, () => {
      assert.throws(
        () => tokenRequestUrl(realm, {scopes: []}),
        (err: unknown) => err instanceof RegprobeError && err.code === 'token.invalid-realm' && err.exitCode === 5,
      )
    })
  }
})
