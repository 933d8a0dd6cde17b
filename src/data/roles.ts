/** Which physical quantity a law variable or a data column stands for (the paper's vocabulary). */
export type Role = 'width' | 'depth' | 'tokens' | 'time' | 'steps' | 'params' | 'flops' | 'loss' | 'other';
