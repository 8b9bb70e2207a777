// `pvf-runtime/metrics`: the host's metrics for Prometheus, through prom-client (an optional
// peer dependency: only this subpath loads it). Re-exports only.
export {
  prometheusHostMetrics,
  type PrometheusHostMetrics,
  type PrometheusOptions,
} from './prometheus.js';
