/** What the demo prints first: where everything is, the tokens, and what to look at. */
export interface BannerInput {
  readonly url: string;
  readonly version: string;
  readonly dataDir: string;
  readonly configPath: string;
  readonly logFile: string;
  readonly adminToken: string | undefined;
  readonly scimTokens: Readonly<Record<string, string>>;
  readonly fakes: Readonly<Record<string, string>>;
  readonly once: boolean;
  readonly portNote?: string | undefined;
  /** The CyberArk syslog listener's port, when listening. */
  readonly syslogPort: number | undefined;
}

export function banner(b: BannerInput): string[] {
  const lines = [
    `Lockstep ${b.version} demo — gateway on ${b.url}${b.portNote ? ` (${b.portNote})` : ''}`,
    '',
    `  SCIM endpoint   ${b.url}/scim/v2`,
    `  Webhooks        ${b.url}/webhooks/teleport   ${b.url}/webhooks/pam-alerts`,
    `  Syslog          ${b.syslogPort === undefined ? '(no listener)' : `tcp://127.0.0.1:${b.syslogPort}`}   (CyberArk Vault audit)`,
    `  Decisions       ${b.url}/api/v1/decisions`,
    `  Admin API       ${b.url}/api/v1`,
    `  Console         ${b.url}/console/   (build it once with \`npm run console:build\` if it says so)`,
    `  Metrics         ${b.url}/metrics`,
    `  Data            ${b.dataDir}   (config ${b.configPath}; gateway log ${b.logFile})`,
    '',
    `  Admin token     ${b.adminToken ?? '(not generated: the configuration already had one)'}`,
  ];
  for (const [connector, token] of Object.entries(b.scimTokens)) lines.push(`  SCIM token      ${token}   (IGA connector ${connector})`);
  lines.push('', '  Simulated vendors (test fakes on 127.0.0.1):');
  for (const [name, url] of Object.entries(b.fakes)) lines.push(`    ${name.padEnd(14)}${url}`);
  const scim = Object.values(b.scimTokens)[0] ?? '<scim token>';
  lines.push(
    '',
    'What to look at:',
    `  curl -s -H 'Authorization: Bearer ${scim}' '${b.url}/scim/v2/Groups?attributes=displayName,urn:ietf:params:scim:schemas:extension:lockstep:2.0:Group'`,
    `  curl -s -H 'Authorization: Bearer ${b.adminToken ?? '<admin token>'}' ${b.url}/api/v1/findings`,
    `  curl -s -H 'Authorization: Bearer ${b.adminToken ?? '<admin token>'}' ${b.url}/api/v1/health`,
    `  the console at ${b.url}/console/ (paste the admin token): findings, unsynchronised access, outbox, mappings`,
    `  tail -f ${b.logFile}   (structured gateway log)`,
    '',
    b.once ? 'Running the scenario once, then exiting.' : 'Running the scenario, then light traffic every few seconds. Ctrl-C stops everything.',
    '',
  );
  return lines;
}
