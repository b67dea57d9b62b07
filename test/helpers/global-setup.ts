// One throwaway MariaDB for the whole integration run; tests get its address through inject('mariadb').
import type { TestProject } from 'vitest/node';
import { startThrowawayMariaDB, type ThrowawayMariaDB } from '../../src/sandbox/throwaway-mariadb.js';

export interface MariaDBInfo {
  host: string;
  port: number;
  socket: string;
  adminUser: string;
  adminPassword: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    mariadb: MariaDBInfo;
  }
}

let server: ThrowawayMariaDB | undefined;

export async function setup(project: TestProject): Promise<void> {
  server = await startThrowawayMariaDB();
  project.provide('mariadb', {
    host: server.host,
    port: server.port,
    socket: server.socket,
    adminUser: server.admin.user,
    adminPassword: server.admin.password,
  });
}

export async function teardown(): Promise<void> {
  await server?.stop();
}
