export * from './lib/webtorrent';
