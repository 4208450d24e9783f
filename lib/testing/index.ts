export { WecomEmulator } from './wecom-emulator.js';
export type { RecordedRequest, RecordedUpload } from './recorded-request.interface.js';
export type {
  EmulatorApi,
  EmulatorApp,
  EmulatorFaults,
  EmulatorSuite,
  RawAnswer,
  WecomEmulatorOptions,
} from './wecom-emulator-options.interface.js';
