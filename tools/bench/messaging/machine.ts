import { cpus, loadavg, release, totalmem } from 'node:os';

export interface Machine {
  cpuModel: string;
  cores: number;
  node: string;
  os: string;
  memoryBytes: number;
  /** Other work on the box skews every figure: the load when the bench started says how much. */
  loadAverage: [number, number, number];
  /** Includes the bench's own work (services starting); compare with the start. */
  loadAverageAtEnd?: [number, number, number];
  natsServer?: string;
}

export function loadAverage(): [number, number, number] {
  const [one, five, fifteen] = loadavg();
  return [one, five, fifteen];
}

/** A 1-minute load at or above the core count means other work competed with the bench. */
export function wasBusy(machine: Machine): boolean {
  return machine.loadAverage[0] >= machine.cores;
}

export function describeMachine(natsServer?: string): Machine {
  const cpuList = cpus();
  return {
    cpuModel: cpuList[0]?.model.trim() ?? 'unknown',
    cores: cpuList.length,
    node: process.version,
    os: `${process.platform} ${release()}`,
    memoryBytes: totalmem(),
    loadAverage: loadAverage(),
    natsServer,
  };
}
