import {parse} from '@oclif/core/parser'
import {parseArgv} from '/work/main/dist/src/cli/parse.js'
const id = process.argv[2]; const argv = JSON.parse(process.argv[3])
const C = (await import(`/work/main/dist/commands/${id}.js`)).default
const cl = (o) => Object.fromEntries(Object.entries(o ?? {}).map(([k, v]) => [k, {...v, ignoreStdin: true}]))
try { console.log('oclif', JSON.stringify(await parse(argv, {flags: cl(C.flags), args: cl(C.args), strict: C.strict}), (k, v) => k === 'raw' || k === 'metadata' ? undefined : v)) } catch (e) { console.log('oclif ERR', JSON.stringify(e.message)) }
try { console.log('ours ', JSON.stringify(await parseArgv(argv, {flags: cl(C.flags), args: cl(C.args), strict: C.strict}))) } catch (e) { console.log('ours ERR', JSON.stringify(e.message)) }
