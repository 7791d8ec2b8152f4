/** What every data source gives: a dataset read from files on this machine (never downloaded). */
import type { Dataset } from '../../data/dataset';
import type { Component } from '../registry';

export type SourceComponent<Options> = Component<Options, Dataset>;
