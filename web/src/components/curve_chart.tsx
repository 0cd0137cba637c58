// A uPlot chart over a numeric (not time) x axis: the correlation curves, the target's mean per
// decile of a field. Like TimeChart, it has an accessible name; the numbers are in a table nearby.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import type { Series } from './chart';

export function CurveChart(props: { title: string; xLabel: string; xs: number[]; series: Series[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const width = () => Math.max(260, el.clientWidth);
    const plot = new uPlot(
      {
        width: width(),
        height: 200,
        scales: { x: { time: false } },
        series: [{ label: props.xLabel }, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 2, points: { show: true } }))],
        axes: [{ label: props.xLabel }, {}],
      },
      [props.xs, ...props.series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    const resize = () => plot.setSize({ width: width(), height: 200 });
    addEventListener('resize', resize);
    return () => {
      removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [props.xs, props.series]);
  return (
    <figure>
      <figcaption>{props.title}</figcaption>
      <div ref={box} role="img" aria-label={`${props.title}: chart; the numbers are in the table`} />
    </figure>
  );
}
