// `npm start`: the facade in front of the Synapse at SYNAPSE_URL, configured from the environment.
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { startFacade } from './server.ts';

try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const facade = await startFacade(config, { logger });
  logger.info({ url: facade.url, synapseUrl: config.synapseUrl }, 'synapse-admin-facade listening');
  const stop = () => {
    facade.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`synapse-admin-facade: bad configuration\n${error.message}`);
    process.exit(2);
  }
  throw error;
}
