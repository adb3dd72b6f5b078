//! Cycles: the struct fields that must be boxed because a struct contains itself.

use super::{Ir, Type};
use std::collections::BTreeMap;

/// Marks the fields that must be boxed: a struct that contains itself through a chain of
/// `Option<Struct>` fields has infinite size. Lists and maps already allocate.
pub(super) fn box_cycles(ir: &mut Ir) {
    // Direct edges: field types that are a struct (or an alias of one) held inline.
    let inline_target = |ty: &Type| -> Option<String> {
        let mut t = ty;
        loop {
            match t {
                Type::Named(n) if ir.models.contains_key(n) => return Some(n.clone()),
                Type::Named(n) => match ir.aliases.get(n) {
                    Some(a) => t = &a.ty,
                    None => return None,
                },
                _ => return None,
            }
        }
    };
    let edges: BTreeMap<String, Vec<(usize, String)>> = ir
        .models
        .values()
        .map(|m| {
            let e = m
                .fields
                .iter()
                .enumerate()
                .filter_map(|(i, f)| inline_target(&f.ty).map(|t| (i, t)))
                .collect();
            (m.name.clone(), e)
        })
        .collect();
    let scc = tarjan(&edges);
    for (name, out) in &edges {
        for (i, target) in out {
            if scc.get(name) == scc.get(target) {
                if let Some(m) = ir.models.get_mut(name) {
                    m.fields[*i].boxed = true;
                }
            }
        }
    }
}

/// Strongly connected components (iterative Tarjan): node -> component id.
fn tarjan(edges: &BTreeMap<String, Vec<(usize, String)>>) -> BTreeMap<String, usize> {
    let nodes: Vec<&String> = edges.keys().collect();
    let index_of: BTreeMap<&str, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.as_str(), i))
        .collect();
    let succ: Vec<Vec<usize>> = nodes
        .iter()
        .map(|n| {
            edges[*n]
                .iter()
                .filter_map(|(_, t)| index_of.get(t.as_str()).copied())
                .collect()
        })
        .collect();
    let n = nodes.len();
    let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut comp, mut next, mut comp_id) = (Vec::new(), vec![0; n], 0, 0);
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some(&mut (v, ref mut child)) = work.last_mut() {
            if *child == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&w) = succ[v].get(*child) {
                *child += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    comp[w] = comp_id;
                    if w == v {
                        break;
                    }
                }
                comp_id += 1;
            }
        }
    }
    nodes
        .into_iter()
        .enumerate()
        .map(|(i, n)| (n.clone(), comp[i]))
        .collect()
}
