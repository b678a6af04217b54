// The learning curve drawn with recharts, in its own chunk (loaded when a
// model has a curve to draw).
import { CartesianGrid, Line, LineChart, Tooltip, XAxis, YAxis } from 'recharts';
import type { SeriesPoint } from './curve';

export default function LearningCurveChart({ series, metric }: { series: SeriesPoint[]; metric: string }) {
  return (
    <LineChart width={520} height={240} data={series} margin={{ top: 8, right: 24, bottom: 24, left: 24 }}>
      <CartesianGrid strokeDasharray="3 3" stroke="#ddd" />
      <XAxis
        dataKey="labels"
        type="number"
        domain={['dataMin', 'dataMax']}
        allowDecimals={false}
        label={{ value: 'Labels added', position: 'insideBottom', offset: -12 }}
      />
      <YAxis
        domain={['auto', 'auto']}
        tickFormatter={(v: number) => v.toFixed(3)}
        width={64}
        // Outside the ticks (left of them), so the title never covers a value.
        label={{ value: metric, angle: -90, position: 'left', offset: 8 }}
      />
      <Tooltip
        formatter={(v) => [Number(v).toFixed(3), metric]}
        labelFormatter={(labels, payload) => `Cycle ${payload?.[0]?.payload?.cycle ?? '?'}: ${labels} labels`}
      />
      <Line type="linear" dataKey="value" stroke="#2563eb" strokeWidth={2} dot={{ r: 4 }} isAnimationActive={false} />
    </LineChart>
  );
}
