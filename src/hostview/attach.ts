import type {HostView} from './types.js'

/**
 * The host view a client was built from. The HttpClient carries the view's trust (CA, client certificate,
 * verification); the probe reads the rest (scheme order, what to say, which fixes apply) from here, so that every flow
 * gets it without passing it along. A client built without a view (the library, tests) has none: the probe then
 * follows docker's defaults alone.
 */
const views = new WeakMap<object, HostView>()

export function attachHostView(client: object, view: HostView): void {
  views.set(client, view)
}

export function hostViewOf(client: object): HostView | undefined {
  return views.get(client)
}
