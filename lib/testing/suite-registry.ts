import type { EmulatorSuite } from './wecom-emulator-options.interface.js';

/**
 * The third-party apps as they stand: copies of the options' suites that setSuiteTicket and the
 * authorisation calls change (never the caller's objects), put back as given by `restore`.
 */
export class SuiteRegistry {
  /** The suites get_suite_token and get_corp_token see. */
  readonly suites: EmulatorSuite[] = [];

  constructor(private readonly given: readonly EmulatorSuite[]) {
    this.restore();
  }

  /** Puts the suites' tickets and authorisations back as the options gave them. */
  restore(): void {
    this.suites.splice(
      0,
      this.suites.length,
      ...this.given.map((s) => ({ ...s, permanentCodes: { ...s.permanentCodes } })),
    );
  }

  setTicket(suiteId: string, ticket: string): void {
    this.suiteOf(suiteId).suiteTicket = ticket;
  }

  revoke(corpId: string, suiteId?: string): void {
    for (const suite of this.suites) {
      if (suiteId === undefined || suite.suiteId === suiteId) delete suite.permanentCodes[corpId];
    }
  }

  grant(corpId: string, suiteId: string, permanentCode: string): void {
    this.suiteOf(suiteId).permanentCodes[corpId] = permanentCode;
  }

  private suiteOf(suiteId: string): EmulatorSuite {
    const suite = this.suites.find((s) => s.suiteId === suiteId);
    if (!suite) throw new Error(`the emulator knows no suite ${suiteId}`);
    return suite;
  }
}
