export * from './lib/download-client';
export * from './lib/embedded/embedded-client';
export * from './lib/transmission/transmission-client';
export * from './lib/qbittorrent/qbittorrent-client';
