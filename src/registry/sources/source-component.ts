/** What every data source gives: a dataset read from files on this machine (never downloaded). */
import type { TObject } from '@sinclair/typebox';
import type { Dataset } from '../../data/dataset';
import type { Component } from '../registry';

export type SourceComponent<S extends TObject = TObject> = Component<S, Dataset>;

/** Declares a data source, typing `create`'s options from `optionsSchema`. */
export const source = <S extends TObject>(component: SourceComponent<S>): SourceComponent<S> => component;
