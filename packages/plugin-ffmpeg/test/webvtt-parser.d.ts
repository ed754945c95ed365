// Types for the parts of webvtt-parser (the W3C's WebVTT parser, which ships none) the tests use.
declare module 'webvtt-parser' {
  export interface CueNode {
    type: 'text' | 'object' | 'timestamp';
    value?: string;
    name?: string;
    children?: CueNode[];
  }
  export interface ParsedCue {
    id: string;
    startTime: number;
    endTime: number;
    text: string;
    tree: { children: CueNode[] };
  }
  export class WebVTTParser {
    constructor(entities?: Record<string, string>);
    parse(
      input: string,
      mode?: 'subtitles' | 'metadata' | 'chapters',
    ): { cues: ParsedCue[]; errors: { message: string; line: number; col: number }[] };
  }
}
