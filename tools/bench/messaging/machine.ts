import { cpus, loadavg, release, totalmem } from 'node:os';

export interface Machine {
  cpuModel: string;
  cores: number;
  node: string;
  os: string;
  memoryBytes: number;
  /** Other work on the box skews every figure: the load when the bench started says how much. */
  loadAverage: [number, number, number];
  natsServer?: string;
}

export function describeMachine(natsServer?: string): Machine {
  const cpuList = cpus();
  const [one, five, fifteen] = loadavg();
  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    node: process.version,
    os: `${process.platform} ${release()}`,
    memoryBytes: totalmem(),
    loadAverage: [one, five, fifteen],
    natsServer,
  };
}
