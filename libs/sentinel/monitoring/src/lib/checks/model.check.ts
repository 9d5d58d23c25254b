import { Inject, Injectable } from '@nestjs/common';
import { MONITORING_OPTIONS, type MonitoringOptions } from '../monitoring.options';
import { type CheckOutcome, type SentinelCheck, outcome } from './check';

const TIMEOUT_MS = 5_000;

/**
 * The oracle's model server lists its models (`GET /models`, which llama.cpp, Ollama, vLLM
 * and LM Studio all answer). Without one configured there is nothing to watch: the heuristic
 * judges. Down is a warning: validation goes on with the heuristic.
 */
@Injectable()
export class ModelCheck implements SentinelCheck {
  readonly category = 'model';

  constructor(@Inject(MONITORING_OPTIONS) private readonly options: MonitoringOptions) {}

  async run(): Promise<CheckOutcome[]> {
    const model = this.options.model;
    if (!model) return [];
    const server = new URL(model.baseUrl).origin;
    const fields = (ok: boolean, detail: string) => outcome(this.category, 'llm', { ok, severity: 'warning', title: ok ? 'The model server answers' : 'The model server is down', detail });
    try {
      const response = await fetch(`${model.baseUrl.replace(/\/+$/, '')}/models`, {
        headers: model.apiKey ? { authorization: `Bearer ${model.apiKey}` } : {},
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      await response.body?.cancel();
      if (response.ok) return [fields(true, `${server} lists its models.`)];
      return [fields(false, `${server} answered ${response.status} to GET /models; releases are judged by the heuristic meanwhile.`)];
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).name;
      return [fields(false, `${server} does not answer (${cause}); releases are judged by the heuristic meanwhile.`)];
    }
  }
}
