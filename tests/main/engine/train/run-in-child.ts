/** Child process of resume.test.ts: runs an experiment file's runs in an in-process engine until killed. */
import { Engine } from '../../../../main/engine/engine'
import { loadExperimentFile } from '../../../../main/engine/experiments/resolve'

const [dataDir, file] = process.argv.slice(2) as [string, string]
const engine = await Engine.start({ dataDir, backend: 'wasm' })
const launched = engine.runs.launch(loadExperimentFile(file))
process.stdout.write(`launched ${launched.runs.map((r) => r.id).join(',')}\n`)
await engine.runs.runOnly(launched.runs.map((r) => r.id))
engine.close()
