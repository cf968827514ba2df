// Build and dev-server settings of the web app.
//
// `npm run build` writes the app to dist/ (or to the absolute path in AURORA_UI_OUT), which the server
// embeds: index.html at the root, hashed files under /assets/.
// `npm run dev` serves the app with hot reload and forwards the API to a running server:
//   AURORA_DEV_TARGET=http://127.0.0.1:PORT  the server (default http://127.0.0.1:8080)
//   AURORA_DEV_AUTH=admin:PASSWORD          optional: sends basic auth on every forwarded request, for
//                                           servers without sign-in sessions
import { defineConfig } from 'vite';
import path from 'node:path';

const outDir = process.env.AURORA_UI_OUT || 'dist';
if (process.env.AURORA_UI_OUT && !path.isAbsolute(outDir)) {
  throw new Error(`AURORA_UI_OUT must be an absolute path, got '${outDir}'`);
}
const target = process.env.AURORA_DEV_TARGET || 'http://127.0.0.1:8080';
const auth = process.env.AURORA_DEV_AUTH;
const forward = {
  target,
  changeOrigin: true,
  headers: auth ? { Authorization: 'Basic ' + Buffer.from(auth).toString('base64') } : undefined,
};

export default defineConfig({
  base: '/',
  build: {
    outDir,
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2020',
    chunkSizeWarningLimit: 700,
  },
  server: {
    host: '127.0.0.1',
    proxy: { '/v1': forward, '/metrics': forward, '/health': forward },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
