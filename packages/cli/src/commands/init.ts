import { createClient } from '../internal/client.ts';
import { CONNECTION_OPTIONS, type Command } from '../internal/command.ts';
import { EXIT, usageError } from '../internal/errors.ts';
import { out } from '../internal/io.ts';
import { checkUrl, profilesFile, readProfiles, writeProfiles } from '../internal/profile.ts';

export const init: Command = {
  name: 'init',
  summary: 'Save a profile: the server URL, a token and a container, used by every client verb.',
  description: 'The token is checked against the server first (--offline skips that). Profiles live in ~/.ext-compilers/profiles.json ($EXT_COMPILERS_HOME/profiles.json when set), mode 0600.',
  options: {
    // The connection options every client verb takes, saved here: what each means for init.
    url: { ...CONNECTION_OPTIONS.url!, description: "the server's URL (as \"ext-compilers start\" prints it)" },
    token: { ...CONNECTION_OPTIONS.token!, description: 'the admin token, or a token admitting the container' },
    container: { ...CONNECTION_OPTIONS.container!, description: 'the container to work in' },
    profile: { ...CONNECTION_OPTIONS.profile!, description: 'the profile to write' },
    offline: { type: 'boolean', description: 'save without checking the token' },
  },
  examples: ['ext-compilers init --url http://127.0.0.1:8721 --token "$(cat .ext-compilers/admin-token)" --container demo'],
  async run(parsed) {
    const [url, token, container] = (['url', 'token', 'container'] as const).map((name) => {
      const value = parsed.string(name);
      if (!value) throw usageError(`"init" needs --${name}: run "ext-compilers init --help".`);
      return value;
    }) as [string, string, string];
    const name = parsed.string('profile') ?? 'default';
    const connection = { url: checkUrl(url), token, container };
    if (!parsed.flag('offline')) {
      const api = createClient(connection);
      await api.request('GET', api.webtaskPath(), { query: { limit: 1 } });
    }
    const file = profilesFile();
    await writeProfiles({ ...(await readProfiles(file)), [name]: connection }, file);
    out(`Saved profile "${name}" (container ${container} at ${connection.url}) in ${file}.`);
    out(`Next: ext-compilers create hello.js${name === 'default' ? '' : ` --profile ${name}`}`);
    return EXIT.ok;
  },
};
