export * from './lib/local-swarm';
export * from './lib/transmission-daemon';
export * from './lib/qbittorrent-daemon';
export * from './lib/crafted-torrent';
export * from './lib/esm-under-tsx';
