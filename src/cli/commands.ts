// Every command, by id: oclif's "explicit" command discovery reads this map instead of scanning src/commands and
// importing each file at start-up. A new command file is added here too (test/cli/commands.test.ts checks).
import Init from '../commands/init.js'
import Plan from '../commands/plan.js'
import Profiles from '../commands/profiles/index.js'
import ProfilesShow from '../commands/profiles/show.js'
import Render from '../commands/render.js'
import Validate from '../commands/validate.js'

export const COMMANDS = {
  init: Init,
  plan: Plan,
  profiles: Profiles,
  'profiles:show': ProfilesShow,
  render: Render,
  validate: Validate,
}
