import { Inject, Injectable, type DynamicModule, type OnModuleInit } from '@nestjs/common';
import { ModulesContainer } from '@nestjs/core';
import type { ResolvedWecomMediaOptions } from '../options/resolve-options.js';
import { MODULE_OPTIONS_TOKEN } from '../wecom-media.module-definition.js';
import { LOGGER_CONTEXT, WECOM_RESOLVED_OPTIONS } from '../wecom-media.constants.js';
import { WecomLogger } from '../operations/telemetry/wecom-logger.js';

/** One module of the app, as Nest's container holds it. */
type AppModule = ModulesContainer extends Map<string, infer M> ? M : never;

/** One registration of the module: the corp it uploads for by default, and who imports it. */
interface Registration {
  corpId: string | undefined;
  importers: string[];
}

/** The apps already checked: the first registration of each checks them all, once. */
const checked = new WeakSet<ModulesContainer>();

/**
 * Warns at boot when the module is registered more than once in one app for the same corp (the
 * quick start's `forRoot` and an own-endpoint recipe's in another module): each registration has
 * its own token cache and its own call limits, so the corp's token is fetched and its calls are
 * limited once per registration. It names each registration by the modules that import it.
 * Registrations for different corps share nothing, and are left alone; one without a default
 * corp (`secretFor`, `suite`) may upload for any corp, so it shares with every other.
 */
@Injectable()
export class RegistrationCheck implements OnModuleInit {
  private readonly logger = new WecomLogger(LOGGER_CONTEXT);

  constructor(@Inject(ModulesContainer) private readonly modules: ModulesContainer) {}

  onModuleInit(): void {
    if (checked.has(this.modules)) return;
    checked.add(this.modules);
    const all = [...this.modules.values()];
    const registrations = all
      .filter((m) => m.providers.has(RegistrationCheck))
      .map((m) => ({ corpId: corpOf(m), importers: importersOf(m, all) }));
    const sharing = registrations.filter((r) =>
      registrations.some((other) => other !== r && share(r, other)),
    );
    if (sharing.length > 1) this.logger.warn(warning(sharing));
  }
}

/** Whether two registrations may upload for one corp. */
const share = (a: Registration, b: Registration): boolean =>
  a.corpId === undefined || b.corpId === undefined || a.corpId === b.corpId;

function corpOf(registration: AppModule): string | undefined {
  const wrapper = registration.providers.get(WECOM_RESOLVED_OPTIONS);
  return (wrapper?.instance as ResolvedWecomMediaOptions | undefined)?.corpId;
}

/**
 * The modules that import `registration`. A global one is linked to every module: of those, the
 * ones whose `@Module({ imports })` lists it (found by its options provider).
 */
function importersOf(registration: AppModule, all: AppModule[]): string[] {
  const others = all.filter((m) => m !== registration);
  const importers = registration.isGlobal
    ? others.filter((m) => declares(m, registration))
    : others.filter((m) => m.imports.has(registration));
  return importers.map((m) => m.metatype.name);
}

function declares(module: AppModule, registration: AppModule): boolean {
  const imports: unknown[] = Reflect.getMetadata('imports', module.metatype) ?? [];
  const options = registration.providers.get(MODULE_OPTIONS_TOKEN);
  return imports.some((entry) => {
    const dynamic = entry as Partial<DynamicModule> | undefined;
    if (dynamic?.module !== registration.metatype) return false;
    const given = dynamic.providers?.find(
      (p) => typeof p === 'object' && p.provide === MODULE_OPTIONS_TOKEN,
    );
    if (!given) return false;
    // forRoot gives the options as a value; forRootAsync, a factory of its own.
    return 'useValue' in given
      ? options?.instance === given.useValue
      : 'useFactory' in given && options?.metatype === given.useFactory;
  });
}

function warning(registrations: Registration[]): string {
  const corps = new Set(registrations.map((r) => r.corpId));
  const [only] = corps;
  const oneCorp = corps.size === 1 && only !== undefined;
  const each = registrations.map((r, i) => {
    const where = r.importers.length > 0 ? `imported by ${r.importers.join(', ')}` : 'the root';
    const corp = r.corpId === undefined ? 'any corp (no default corpId)' : `corp ${r.corpId}`;
    return `#${i + 1} ${where}${oneCorp ? '' : `, for ${corp}`}`;
  });
  return (
    `WecomMediaModule is registered ${registrations.length} times in this app` +
    `${oneCorp ? ` for corp ${only}` : ''}: ${each.join('; ')}. ` +
    'Each registration keeps its own token cache and its own call limits, so the corp gets a ' +
    'token fetched and its calls limited once per registration. Register it once — with ' +
    'isGlobal: true, or in a module of your own that imports and exports it — and import that ' +
    'where you upload.'
  );
}
