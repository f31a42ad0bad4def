/** Child process for the outbox drain bench: a CyberArk fake with two safes; prints its URL. */
import { startCyberArkFake } from '../../test/fakes/cyberark/cyberark-fake.ts';

const fake = await startCyberArkFake();
fake.state.addSafe('Bench');
fake.state.addSafe('Bare');
process.stdout.write(`${JSON.stringify({ url: fake.url })}\n`);
process.on('message', async (m) => {
  if (m === 'members') process.send?.({ bench: fake.state.memberNames('Bench').length, bare: fake.state.memberNames('Bare').length });
  if (m === 'stop') {
    await fake.close();
    process.exit(0);
  }
});
