/**
 * Global set-up of the `postgres` test project: the platform's suites run again on PostgreSQL. A
 * throw-away cluster is started (`postgres.ts`) unless `TEST_DATABASE_URL` names a server whose
 * user may create databases; the migrated template every test database is copied from is made once.
 */
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../server/storage/database.ts';
import { serverOf, startPostgres, TEMPLATE } from './postgres.ts';

export default async function setup(project: TestProject) {
  const given = process.env.TEST_DATABASE_URL;
  const cluster = given ? undefined : await startPostgres();
  const server = serverOf(given ?? cluster!.url);
  await server.admin(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
  await server.admin(`CREATE DATABASE ${TEMPLATE}`);
  await (await openDatabase(server.urlOf(TEMPLATE))).destroy();
  project.provide('postgres', server.url);
  return async () => {
    if (cluster) await cluster.close();
    else await server.admin(`DROP DATABASE IF EXISTS ${TEMPLATE}`);
  };
}
