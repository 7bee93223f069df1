import type {Credential} from '../../src/credentials/types.js'
import {verdictOf} from '../../src/diagnosis/verdict.js'
import type {HttpClient} from '../../src/http/client.js'
import {accessStage} from '../../src/stages/access.js'
import {resolveTarget} from '../../src/flows/target.js'
import {authorized, finish, named, reached, runStages, startFlow} from '../../src/pipeline/flow.js'
import {challengeSpec, probeSpec, tokenSpec} from '../../src/pipeline/stages.js'
import type {Trace} from '../../src/trace/types.js'

export interface RecordPipelineOptions {
  /** Actions the challenge and token ask for; only pull is proven (a HEAD of the manifest), so nothing is changed. */
  actions: string[]
  credential?: Credential
  plainHttp?: boolean
  now?: () => number
}

/**
 * probe → challenge → token → access, the stages `npm run record` captures and the replay tests run again. Credentials
 * come only from the recorder's flags: a recording must never depend on (or capture) the recording machine's docker
 * config.
 */
export async function recordPipeline(http: HttpClient, input: string, opts: RecordPipelineOptions): Promise<Trace> {
  const startedAt = new Date()
  const s = startFlow(http, resolveTarget(input), opts.now)
  await runStages(s, [
    probeSpec({plainHttp: opts.plainHttp}),
    challengeSpec(opts.actions),
    tokenSpec({credential: opts.credential ?? null, plainHttp: opts.plainHttp}),
    {
      stage: 'access',
      needs: [reached, named, authorized],
      run: async (st) => (await accessStage(st.ctx, {baseUrl: st.probe!.baseUrl!, ref: st.ref!, actions: ['pull'], authorization: st.token?.authorization, anonymous: !opts.credential, scheme: st.challenge?.challenge?.scheme})).step,
    },
  ])
  const headline = s.ref ? `${opts.actions.join(' and ')} of ${s.ref.canonical} works${opts.credential ? '' : ' anonymously'}` : `token issued for ${s.registry.host}`
  return finish(s, 'record', input, startedAt, verdictOf(s.steps, s.probe?.failure || !s.probe?.baseUrl ? '' : headline))
}
