// The signing secret: configured (checked in loadConfig: length, no placeholder), or generated once
// into the data directory for the embedded default (mode 0600).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MIN_SECRET_LENGTH, ConfigError, type Config } from '../config.js';
import { SECRET_HINT } from '../secretStrength.js';

export function resolveJwtSecret(config: Config): string {
  if (config.auth.jwtSecret) return config.auth.jwtSecret;
  const file = join(config.dataDir, 'jwt-secret');
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    if (secret.length < MIN_SECRET_LENGTH) throw new ConfigError(`${file} holds a secret that is too short`);
    return secret;
  }
  if (config.databaseUrl) {
    // Several nodes share one database: each generating its own secret would break
    // every token issued by another node.
    throw new ConfigError(`Invalid configuration:\n  LECTERN_JWT_SECRET is required when DATABASE_URL is set; ${SECRET_HINT}`);
  }
  mkdirSync(config.dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, `${secret}\n`, { mode: 0o600, flag: 'wx' });
  return secret;
}
