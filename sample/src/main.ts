import { startSample } from './sample-app.js';

await startSample({
  port: Number(process.env.PORT ?? 3000),
  host: process.env.HOST ?? '127.0.0.1',
  corpId: process.env.WECOM_CORP_ID,
  corpSecret: process.env.WECOM_CORP_SECRET,
  locale: process.env.WECOM_LOCALE === 'zh-CN' ? 'zh-CN' : 'en',
});
