// The picture with what the detector found, drawn on a canvas: boxes, landmarks, confidences, and
// (for feedback) faces marked wrong and boxes drawn for missed faces.
import { useEffect, useRef, useState } from 'preact/hooks';

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
export interface Face {
  box: Box;
  confidence: number;
  landmarks?: { type: string; x: number; y: number }[];
}

interface Props {
  src: string;
  faces: Face[];
  label: string;
  wrong?: number[];
  missed?: Box[];
  /// Feedback mode: a click on a face toggles it wrong; a drag outside faces draws a missed face.
  onToggleWrong?: (index: number) => void;
  onDrawMissed?: (box: Box) => void;
}

const inside = (b: Box, x: number, y: number) => x >= b.x && y >= b.y && x <= b.x + b.width && y <= b.y + b.height;

export function FacesCanvas(props: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const [image, setImage] = useState<HTMLImageElement | null>(null);
  const [drag, setDrag] = useState<{ x0: number; y0: number; x1: number; y1: number } | null>(null);

  useEffect(() => {
    const img = new Image();
    img.onload = () => setImage(img);
    img.src = props.src;
  }, [props.src]);

  useEffect(() => {
    const c = canvas.current;
    if (!c || !image) return;
    c.width = image.naturalWidth;
    c.height = image.naturalHeight;
    const g = c.getContext('2d')!;
    g.drawImage(image, 0, 0);
    const line = Math.max(2, image.naturalWidth / 300);
    g.lineWidth = line;
    g.font = `${Math.max(12, line * 7)}px system-ui, sans-serif`;
    props.faces.forEach((face, i) => {
      const wrong = props.wrong?.includes(i);
      g.strokeStyle = wrong ? '#d0021b' : '#00e676';
      g.strokeRect(face.box.x, face.box.y, face.box.width, face.box.height);
      const text = `${i + 1}: ${face.confidence.toFixed(3)}${wrong ? ' ✗' : ''}`;
      const h = line * 9;
      g.fillStyle = 'rgba(0,0,0,0.7)';
      g.fillRect(face.box.x, Math.max(0, face.box.y - h), g.measureText(text).width + line * 2, h);
      g.fillStyle = '#fff';
      g.fillText(text, face.box.x + line, Math.max(h, face.box.y) - line * 2);
      g.fillStyle = '#ffeb3b';
      for (const p of face.landmarks ?? []) {
        g.beginPath();
        g.arc(p.x, p.y, line * 1.5, 0, Math.PI * 2);
        g.fill();
      }
    });
    g.strokeStyle = '#2196f3';
    g.setLineDash([line * 3, line * 2]);
    for (const b of props.missed ?? []) g.strokeRect(b.x, b.y, b.width, b.height);
    if (drag) g.strokeRect(Math.min(drag.x0, drag.x1), Math.min(drag.y0, drag.y1), Math.abs(drag.x1 - drag.x0), Math.abs(drag.y1 - drag.y0));
    g.setLineDash([]);
  }, [image, props.faces, props.wrong, props.missed, drag]);

  const editable = Boolean(props.onToggleWrong || props.onDrawMissed);
  const point = (e: PointerEvent) => {
    const c = canvas.current!;
    const r = c.getBoundingClientRect();
    return { x: ((e.clientX - r.left) * c.width) / r.width, y: ((e.clientY - r.top) * c.height) / r.height };
  };
  const down = (e: PointerEvent) => {
    if (!editable) return;
    const p = point(e);
    setDrag({ x0: p.x, y0: p.y, x1: p.x, y1: p.y });
  };
  const move = (e: PointerEvent) => {
    if (!drag) return;
    const p = point(e);
    setDrag({ ...drag, x1: p.x, y1: p.y });
  };
  const up = () => {
    if (!drag || !canvas.current) return;
    const c = canvas.current;
    const clamp = (v: number, max: number) => Math.min(Math.max(v, 0), max);
    const x0 = clamp(Math.min(drag.x0, drag.x1), c.width);
    const y0 = clamp(Math.min(drag.y0, drag.y1), c.height);
    const box = { x: x0, y: y0, width: clamp(Math.max(drag.x0, drag.x1), c.width) - x0, height: clamp(Math.max(drag.y0, drag.y1), c.height) - y0 };
    setDrag(null);
    if (box.width < 4 || box.height < 4) {
      const hit = props.faces.findIndex((f) => inside(f.box, drag.x0, drag.y0));
      if (hit >= 0) props.onToggleWrong?.(hit);
      return;
    }
    props.onDrawMissed?.(box);
  };
  return (
    <canvas
      ref={canvas}
      class={editable ? 'faces editable' : 'faces'}
      role="img"
      aria-label={props.label}
      onPointerDown={down}
      onPointerMove={move}
      onPointerUp={up}
    />
  );
}
