import { registerAs } from '@nestjs/config';
import { IsIn, IsOptional, IsString, Matches, ValidateIf } from 'class-validator';
import { validateEnv } from './validate-env.js';

class DatabaseEnv {
  @IsIn(['development', 'production', 'test'])
  NODE_ENV: string = 'development';

  @ValidateIf((env: DatabaseEnv) => env.NODE_ENV === 'production' || env.MONGODB_URI !== undefined)
  @Matches(/^mongodb(\+srv)?:\/\/\S+$/, {
    message:
      'MONGODB_URI must be a mongodb:// or mongodb+srv:// connection string (required in production)',
  })
  MONGODB_URI?: string;

  @IsOptional()
  @IsString()
  EMBEDDED_DB_DIR?: string;
}

export interface DatabaseConfig {
  /** Set by the environment, or by main.ts after starting the embedded FerretDB. */
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
  return {
    uri: env.MONGODB_URI,
    embeddedDataDir: env.EMBEDDED_DB_DIR ?? '.data/postgres',
    autoIndex: env.NODE_ENV !== 'production',
  };
});
