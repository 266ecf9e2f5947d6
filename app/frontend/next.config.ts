import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // A self-contained server (.next/standalone/server.js) for the container image.
  output: "standalone",
  // No build-time env: BACKEND_URL and COOKIE_SECURE are read by server code at run time.
  poweredByHeader: false,
  // The image runs with a read-only root filesystem: nothing here uses next/image, ISR or the
  // fetch cache, so the server never writes under .next at run time (see README.md).
  images: { unoptimized: true },
};

export default nextConfig;
