import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString, Matches } from 'class-validator';
import { becauseOf, productionReasons } from './deployment-mode.js';
import { InvalidConfigError, validateEnv } from './validate-env.js';

class DatabaseEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @IsOptional()
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, {
    message: 'MONGODB_URI must be a mongodb:// or mongodb+srv:// connection string',
  })
  MONGODB_URI?: string;

  @IsOptional()
  @IsString()
  EMBEDDED_DB_DIR?: string;
}

export interface DatabaseConfig {
  /** Set by the environment, or by the dev launcher after starting the embedded database. */
  uri: string | undefined;
  /** Where the embedded PostgreSQL (under FerretDB) keeps its cluster when MONGODB_URI is unset. */
  embeddedDataDir: string;
  /**
   * Build the schemas' indexes at boot. Off in production, where building an index on a large
   * collection is a deliberate step: `npm run db:indexes` before (or while) deploying.
   */
  autoIndex: boolean;
}

export const databaseConfig = registerAs('database', (): DatabaseConfig => {
  const env = validateEnv(DatabaseEnv);
  const reasons = productionReasons();
  if (reasons.length && !env.MONGODB_URI) {
    throw new InvalidConfigError([
      `MONGODB_URI=null: set the MongoDB connection string${becauseOf(reasons)}`,
    ]);
  }
  return {
    uri: env.MONGODB_URI,
    embeddedDataDir: env.EMBEDDED_DB_DIR ?? '.data/postgres',
    autoIndex: env.NODE_ENV !== 'production',
  };
});
