// `npm start`: the facade in front of the Synapse at SYNAPSE_URL, configured from the environment.
import { ConfigError, loadConfig } from './config.ts';
import { createLogger } from './log.ts';
import { startFacade } from './server.ts';

try {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const facade = await startFacade(config, { logger });
  logger.info({ url: facade.url, synapseUrl: config.synapseUrl }, 'synapse-admin-facade listening');
  let stopping = false;
  // A second signal (an operator's second Ctrl-C, or a supervisor's second SIGTERM) ends the drain now: what is
  // still running is cut, as when SHUTDOWN_TIMEOUT_MS has passed, and the store and the pool still close properly.
  const stop = (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'stopping now: cutting the requests still in flight');
      facade.cutNow();
      return;
    }
    stopping = true;
    logger.info({ signal, shutdown_timeout_ms: config.shutdownTimeoutMs }, 'stopping: no new connections, finishing requests in flight');
    facade.close().then(
      (cut) => {
        logger.info({ cut_requests: cut }, 'stopped');
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
} catch (error) {
  if (error instanceof ConfigError) {
    console.error(`synapse-admin-facade: bad configuration\n${error.message}`);
    process.exit(2);
  }
  throw error;
}
