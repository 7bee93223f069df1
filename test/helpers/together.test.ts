import assert from 'node:assert/strict'
import {describe, it} from 'node:test'
import {startTogether} from './together.js'

describe('startTogether', () => {
  const service = (name: string, log: string[]) => ({name, close: async () => void log.push(`closed ${name}`)})

  it('gives every started service, in order', async () => {
    const log: string[] = []
    const [a, b] = await startTogether([Promise.resolve(service('a', log)), Promise.resolve(service('b', log))])
    assert.deepEqual([a.name, b.name], ['a', 'b'])
    assert.deepEqual(log, [])
  })

  it('closes the services that started when another fails, then throws its error', async () => {
    const log: string[] = []
    const failing = Promise.reject(new Error('docker-registry did not answer'))
    await assert.rejects(startTogether([Promise.resolve(service('dockerd', log)), failing, Promise.resolve(service('registry', log))]), /did not answer/)
    assert.deepEqual(log.sort(), ['closed dockerd', 'closed registry'])
  })
})
