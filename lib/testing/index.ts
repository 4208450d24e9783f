export { WecomEmulator } from './wecom-emulator.js';
export type { RecordedRequest, RecordedUpload } from './recorded-request.interface.js';
export type {
  EmulatorApi,
  EmulatorApp,
  EmulatorFaults,
  EmulatorLimits,
  EmulatorLoad,
  EmulatorSuite,
  EmulatorTls,
  RawAnswer,
  WecomEmulatorOptions,
} from './wecom-emulator-options.interface.js';
export type {
  EmulatorAlbum,
  EmulatorAlbumAttachment,
  EmulatorInvalidTargets,
  EmulatorMoment,
  EmulatorMomentAttachment,
  EmulatorVisibleRange,
} from './published.interface.js';
