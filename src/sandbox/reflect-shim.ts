/**
 * tsyringe, which @peculiar/x509 uses internally, refuses to load unless a Reflect metadata polyfill is present, and
 * reflect-metadata is not among our dependencies. It calls only these three functions (with no decorator metadata
 * to read), so a WeakMap-backed stand-in suffices. Installed only when nothing else provides them.
 */
type MetadataTable = Map<string | symbol | undefined, Map<unknown, unknown>>

interface ReflectMetadata {
  defineMetadata(key: unknown, value: unknown, target: object, property?: string | symbol): void
  getOwnMetadata(key: unknown, target: object, property?: string | symbol): unknown
  getMetadata(key: unknown, target: object, property?: string | symbol): unknown
}

const tables = new WeakMap<object, MetadataTable>()

function own(key: unknown, target: object, property?: string | symbol): unknown {
  return tables.get(target)?.get(property)?.get(key)
}

const shim: ReflectMetadata = {
  defineMetadata(key, value, target, property) {
    const table = tables.get(target) ?? new Map()
    tables.set(target, table)
    const entries = table.get(property) ?? new Map()
    table.set(property, entries)
    entries.set(key, value)
  },
  getOwnMetadata: own,
  getMetadata(key, target, property) {
    for (let t: object | null = target; t !== null; t = Object.getPrototypeOf(t) as object | null) {
      const value = own(key, t, property)
      if (value !== undefined) return value
    }
    return undefined
  },
}

const reflect = Reflect as unknown as Partial<ReflectMetadata>
if (typeof reflect.getMetadata !== 'function') Object.assign(Reflect, shim)
