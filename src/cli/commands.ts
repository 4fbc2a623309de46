// Every command, by id: oclif's "explicit" command discovery reads this map instead of scanning src/commands and
// importing each file at start-up. A new command file is added here too (test/cli/commands.test.ts checks).
import Bundle from '../commands/bundle.js'
import Completion from '../commands/completion.js'
import Help from '../commands/help.js'
import Init from '../commands/init.js'
import Iso from '../commands/iso.js'
import Payload from '../commands/payload.js'
import Plan from '../commands/plan.js'
import Profiles from '../commands/profiles/index.js'
import ProfilesShow from '../commands/profiles/show.js'
import Pxe from '../commands/pxe.js'
import Render from '../commands/render.js'
import Serve from '../commands/serve.js'
import Status from '../commands/status.js'
import Validate from '../commands/validate.js'

export const COMMANDS = {
  bundle: Bundle,
  completion: Completion,
  help: Help,
  init: Init,
  iso: Iso,
  payload: Payload,
  plan: Plan,
  profiles: Profiles,
  'profiles:show': ProfilesShow,
  pxe: Pxe,
  render: Render,
  serve: Serve,
  status: Status,
  validate: Validate,
}
